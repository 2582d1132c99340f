"""The benchmark suite (`make bench`): scripts, not tests. See bench/run.py."""
