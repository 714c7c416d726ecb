package digitalocean

// AppsService manages App Platform apps.
type AppsService service
