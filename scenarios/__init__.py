"""The shipped example scenarios: installed as the package ``model.examples`` (``yanglao init --example``)."""
