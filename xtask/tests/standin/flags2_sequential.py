"""A stand-in for the book's flags2_sequential.py, written by this project for its tests."""
from collections import Counter
from standin_common import get_one, main

def download_many(cc_list, base_url, _concur):
    counter = Counter()
    for cc in cc_list:
        try:
            counter[get_one(base_url, cc)] += 1
        except KeyboardInterrupt:
            break
    return counter

main(download_many, 1, 1)
