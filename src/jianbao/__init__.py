"""jianbao: typesetting pipeline for Chinese official bulletins (简报).

Data flows one way: source (YAML) → validated model → layout → PDF → post-processing.
"""

__version__ = "0.1.0"

from jianbao.lazy_pillow import defer_pil_image
from jianbao.startup import seed_yaml_reader

defer_pil_image()
seed_yaml_reader()
