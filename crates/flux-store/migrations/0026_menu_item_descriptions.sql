-- A dish's description as the menu prints it ("romaine, croutons,
-- parmesan"), typed in or read off a menu photo.
alter table menu_items
    add column description text check (char_length(description) <= 500);
