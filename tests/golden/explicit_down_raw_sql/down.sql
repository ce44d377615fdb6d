-- sql: alter type user_role rename to user_role_old;
alter type user_role rename to user_role_old;
    create type user_role as enum ('member', 'admin');
    drop type user_role_old;
