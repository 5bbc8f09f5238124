"""Crawl portals for report pages and attachments, politely and incrementally."""
