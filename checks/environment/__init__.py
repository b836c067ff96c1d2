"""The fresh environment (`fresh`): uv (`uv`), the Python it is made for (`python`), the
machine's settings (`machine`), what got installed (`distributions`), the lock read back
from it (`lock`) and why uv failed (`failures`)."""
