"""Turn finished pages into PDF files, protect, impose and read them back (pypdf, pypdfium2)."""
