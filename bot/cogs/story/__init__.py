"""The cogs that show the story as a whole: /quotes, /latest and /timeline."""
