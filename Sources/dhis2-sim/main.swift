print("dhis2-sim: not yet")
