"""Stand-in for the book's flags2_common (written by this project for its tests): the same
command line and report lines, standard library only. {PORTn} are filled in by the test."""
import argparse, string, sys, time, urllib.error, urllib.request
from collections import Counter
SERVERS = {'LOCAL': 'http://localhost:{PORT0}/flags', 'DELAY': 'http://localhost:{PORT1}/flags',
           'ERROR': 'http://localhost:{PORT2}/flags'}

def get_one(base_url, cc):
    url = f'{base_url}/{cc}/{cc}.gif'.lower()
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            resp.read()
        return 'OK'
    except urllib.error.HTTPError as exc:
        return 'NOT_FOUND' if exc.code == 404 else 'ERROR'
    except OSError:
        return 'ERROR'

def main(download_many, default_req, max_req):
    p = argparse.ArgumentParser()
    p.add_argument('cc', nargs='*')
    p.add_argument('-e', '--every', action='store_true')
    p.add_argument('-l', '--limit', type=int, default=sys.maxsize)
    p.add_argument('-m', '--max_req', type=int, default=default_req)
    p.add_argument('-s', '--server', default='LOCAL')
    p.add_argument('-v', '--verbose', action='store_true')
    args = p.parse_args()
    az = string.ascii_uppercase
    cc_list = sorted(a + b for a in az for b in az)[:args.limit]
    actual = min(args.max_req, max_req, len(cc_list))
    print(f'{args.server} site: {SERVERS[args.server]}')
    print(f'Searching for {len(cc_list)} flags: from {cc_list[0]} to {cc_list[-1]}')
    print('1 connection will be used.' if actual == 1 else f'{actual} concurrent connections will be used.')
    t0 = time.perf_counter()
    counter = download_many(cc_list, SERVERS[args.server], actual)
    print('-' * 20)
    print(f"{counter['OK']:3} flags downloaded.")
    if counter['NOT_FOUND']:
        print(f"{counter['NOT_FOUND']:3} not found.")
    if counter['ERROR']:
        print(f"{counter['ERROR']:3} errors.")
    print(f'Elapsed time: {time.perf_counter() - t0:.2f}s')
