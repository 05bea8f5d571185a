"""What each notebook shows: frames, sentences and metrics built from validated tables."""
