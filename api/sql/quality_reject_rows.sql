select
    r.run_id,
    r.source,
    r.file,
    r.object,
    r.line,
    r.raw,
    r.reason
from meta.reject as r
where ($source is null or r.source = $source)
