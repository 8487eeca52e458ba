"""What the commands show, by room; xueji.cli.render gathers them under one name."""
