"""Runs every ML benchmark; results go to bench/results/ml-*.json."""

from __future__ import annotations

import bench_classification
import bench_compression

if __name__ == "__main__":
    bench_classification.main()
    bench_compression.main()
