"""Chart theme and helpers (Chinese fonts, palette, number formats)."""
