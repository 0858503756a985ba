"""A stand-in for the book's flags2_threadpool.py, written by this project for its tests."""
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from standin_common import get_one, main

def download_many(cc_list, base_url, concur):
    counter = Counter()
    with ThreadPoolExecutor(max_workers=concur) as executor:
        futures = [executor.submit(get_one, base_url, cc) for cc in cc_list]
        try:
            for future in as_completed(futures):
                counter[future.result()] += 1
        except KeyboardInterrupt:
            for future in futures:
                future.cancel()
    return counter

main(download_many, 30, 1000)
