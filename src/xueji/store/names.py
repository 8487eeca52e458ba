"""Names for readers of the registry with other tools (datasette, sqlite-utils, psql): the statuses and genders
in three languages, as migration m008 wrote them into SQLite files — frozen — and as PostgreSQL's schema installs them."""

# What m008 wrote for readers of the file, frozen as written.
M008_STATUSES = (
    ("active", "01", "在读", "在學", "Active"), ("suspended", "02", "休学", "休學", "Suspended"),
    ("withdrawn", "03", "退学", "退學", "Withdrawn"), ("graduated", "07", "毕业", "畢業", "Graduated"),
    ("completed", "08", "结业", "結業", "Completed"), ("incomplete", "09", "肄业", "肄業", "Incomplete"),
    ("transferred_out", "10", "转学（转出）", "轉學（轉出）", "Transferred out"), ("deceased", "11", "死亡", "死亡", "Deceased"),
    ("missing", "15", "下落不明", "下落不明", "Missing"),
)
M008_GENDERS = (("1", "男", "男", "Male"), ("2", "女", "女", "Female"), ("0", "未知", "未知", "Unknown"),
                ("9", "未说明", "未說明", "Unspecified"))
