from jianbao.cli import console

if __name__ == "__main__":  # not again in a worker process started by 'spawn'
    console()
