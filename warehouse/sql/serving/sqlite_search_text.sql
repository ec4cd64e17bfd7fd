-- SQLite (the serving file), run after customer_search is copied: the tables a search
-- reads besides customer_search, all keyed by its seq (name order). SQLite's own
-- statements, so the tables are made where they are read (json_object, FTS5).

-- The trigram index behind substring and typo-tolerant search, its row ids the
-- customer_search seq. Contentless: the folded text is read back from customer_search.
-- No column sizes (`columnsize = 0`): only bm25 ranking reads them, and hits are ranked
-- by their seq (1.14M customers: 6.4 → 4.8 s of CPU).
create virtual table search_text using fts5 (
    name, city, email, tokenize = 'trigram', content = '', columnsize = 0
);
-- Terms held in memory before a segment is written: 64 MB instead of the default 1 MB
-- makes a few large segments instead of hundreds merged again and again (1.14M customers:
-- 12.3 → 6.3 s of CPU, and a query reads fewer segments).
insert into search_text (search_text, rank) values ('hashsize', 67108864);
insert into search_text (rowid, name, city, email)
select seq, folded_name, folded_city, folded_email from customer_search;

-- The same index over each owner's customers alone, for a search scoped to one owner (a
-- salesperson's): row id = the owner's base + seq, each owner's base their rank << 32,
-- so an owner's rows are one row-id range in name order. FTS5 seeks a row-id range in
-- its lists: such a search reads its own book's entries, every one of them, and none of
-- another owner's (filtering everyone's first few thousand hits would miss some).
create table search_owner (owner text primary key, base integer not null) without rowid;
insert into search_owner (owner, base)
select owner, row_number() over (order by owner) * 4294967296
from (select distinct owner from customer_search where owner is not null);
create virtual table search_owned using fts5 (
    name, city, email, tokenize = 'trigram', content = '', columnsize = 0
);
insert into search_owned (search_owned, rank) values ('hashsize', 67108864);
insert into search_owned (rowid, name, city, email)
select o.base + s.seq, s.folded_name, s.folded_city, s.folded_email
from customer_search as s
inner join search_owner as o on s.owner = o.owner
order by o.base + s.seq;

-- How many names hold each trigram, counted once here: the typo tier picks the query's
-- rarest trigrams by one indexed read (fts5vocab counts by reading the whole list of a
-- trigram, hundreds of thousands of rows at a million customers).
create virtual table temp.search_vocab using fts5vocab (main, search_text, 'col');
create table search_gram (gram text primary key, docs integer not null) without rowid;
insert into search_gram (gram, docs)
select term, doc from temp.search_vocab where col = 'name';
drop table temp.search_vocab;
