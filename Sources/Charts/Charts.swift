// Charts module: SVG drawn by hand.
