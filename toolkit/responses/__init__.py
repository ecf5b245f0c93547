"""Response data: readers (long, wide, scored; CSV and Parquet), scoring and simulation."""
