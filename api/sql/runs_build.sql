select *
from meta.build
