"""Proofing an issue: page previews (PNG, the long image for phones), the watch loop that rebuilds on
every save, and the local proof page that shows the pages and the build's problems in a browser.

They all start from the PDF a build wrote (``jianbao.pipeline``); nothing here lays out text.
"""
