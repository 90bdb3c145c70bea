"""Tests of pipeline.llm's parts that need a real llama.cpp."""
