from xueji.cli import main

main()
