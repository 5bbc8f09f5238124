"""The report form: everything gongkai knows about the 政府信息公开工作年度报告 itself.

The canonical cells (``spec``), the printed row labels and the one matcher every medium uses
(``labels``), how a printed value reads (``values``), the words and patterns that mark a
report, its title, its headings and its page furniture (``markers``), and the consistency rules
(``rules``). It sits at the bottom of the flow: crawl, read, report, warehouse and demo import
from it; it imports none of them.
"""
