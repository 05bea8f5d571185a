"""Reading, normalising and checking data; the scope registry and reference tables."""
