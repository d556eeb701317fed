"""Command-line options the examples share: where the server is, and which workspace."""

import argparse


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--url", default="ws://localhost:8700/ws", help="server URL (default ws://localhost:8700/ws)")
    p.add_argument("--workspace", default="default", help="workspace to enter (default: default)")
    return p
