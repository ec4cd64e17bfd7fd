-- SQLite (the serving file), run after customer_search is copied: the trigram index
-- behind substring and typo-tolerant search, its row ids the customer_search seq.
-- Contentless: the folded text is read back from customer_search by seq.
create virtual table search_text using fts5 (
    name, city, email, tokenize = 'trigram', content = ''
);
insert into search_text (rowid, name, city, email)
select seq, folded_name, folded_city, folded_email from customer_search;
create virtual table search_vocab using fts5vocab (search_text, 'row');
