"""The form of the annual report: its cells and how printed text reads into them."""
