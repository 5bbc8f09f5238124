"""Read published files (HTML, PDF, DOCX, DOC, text, scans) into `Document`s."""
