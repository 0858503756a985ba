"""A stand-in for the book's flags2_asyncio.py, written by this project for its tests."""
import asyncio
from collections import Counter
from urllib.parse import urlsplit
from standin_common import main

async def get_one(base_url, cc):
    url = urlsplit(f'{base_url}/{cc}/{cc}.gif'.lower())
    try:
        reader, writer = await asyncio.open_connection('127.0.0.1', url.port)
        writer.write(f'GET {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\nConnection: close\r\n\r\n'.encode())
        response = await reader.read()
        writer.close()
    except OSError:
        return 'ERROR'
    status = response.split(b' ', 2)[1] if response else b''
    return {b'200': 'OK', b'404': 'NOT_FOUND'}.get(status, 'ERROR')

def download_many(cc_list, base_url, concur):
    counter = Counter()
    async def supervisor():
        semaphore = asyncio.Semaphore(concur)
        async def one(cc):
            async with semaphore:
                return await get_one(base_url, cc)
        for coro in asyncio.as_completed([one(cc) for cc in cc_list]):
            counter[await coro] += 1
    try:
        asyncio.run(supervisor())
    except KeyboardInterrupt:
        pass
    return counter

main(download_many, 5, 1000)
