not a real model: the noop plugin never reads it
