"""CJ's error-code table and the queries over it: the entries and their types (``code_table``, ``model``), get,
search and family ranges (``codes``), how pasted text is compared with CJ's wordings (``matching``), the limit
wordings CJ writes (``cjwording``), held orders (``held``), doc links and the generated reference page.

Standard library only, because every TAB press and ``cjerr lookup`` import it. May import ``base`` only.
"""
