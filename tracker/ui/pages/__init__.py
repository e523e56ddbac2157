"""One module per page of the app, named as its pages/<name>.py and its key in shell.PAGES, each
with render(scope): the page's body, drawn in the scope the shell built (tracker/scope.py)."""
