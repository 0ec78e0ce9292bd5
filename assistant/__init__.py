"""Katheryne's knowledge, tokenizer, attention model, checkpoints, inference API and worker thread."""

from assistant.inference import Assistant, generate_response, load_model

__all__ = ["Assistant", "generate_response", "load_model"]
