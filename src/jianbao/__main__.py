from jianbao.cli import console

console()
