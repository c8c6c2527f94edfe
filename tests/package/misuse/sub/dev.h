struct dev2 { int y; };
