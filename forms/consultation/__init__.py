"""The consultation window and the controllers it owns: the note store and drafts
(store_and_drafts), finalising, amending and the final note's outputs (finalising)."""
