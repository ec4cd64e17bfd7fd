-- SQLite (the serving file), run after customer_search is copied: the trigram index
-- behind substring and typo-tolerant search, its row ids the customer_search seq.
-- Contentless: the folded text is read back from customer_search by seq.
create virtual table search_text using fts5 (
    name, city, email, tokenize = 'trigram', content = ''
);
insert into search_text (rowid, name, city, email)
select seq, folded_name, folded_city, folded_email from customer_search;
-- How many names hold each trigram, counted once here: the typo tier picks the query's
-- rarest trigrams by one indexed read (fts5vocab counts by reading the whole list of a
-- trigram, hundreds of thousands of rows at a million customers).
create virtual table temp.search_vocab using fts5vocab (main, search_text, 'col');
create table search_gram (gram text primary key, docs integer not null) without rowid;
insert into search_gram (gram, docs)
select term, doc from temp.search_vocab where col = 'name';
drop table temp.search_vocab;
