print("jsonstream-bench: not yet")
