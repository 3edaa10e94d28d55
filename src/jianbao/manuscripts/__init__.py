"""From the manuscripts on the desk to an issue source: Word (.docx), plain text and Markdown
manuscripts become articles, a printed issue (its PDF or extracted text) a whole source, and
``make-issue new`` starts the next issue from the last one. See docs/source-format.md, “从稿件开始”.

Modules: :mod:`.recognise` (titles, headings, leads in a run of paragraphs), :mod:`.wordfile`,
:mod:`.plaintext`, :mod:`.pdflines` and :mod:`.printed` (the readers), :mod:`.writer` (the YAML),
:mod:`.command` (``new`` and ``import``).
"""
