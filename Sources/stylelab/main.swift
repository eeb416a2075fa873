print("stylelab")
