module github.com/oceankit/digitalocean/bench

go 1.26

replace github.com/oceankit/digitalocean => ../

require (
	github.com/digitalocean/godo v1.237.0
	github.com/go-json-experiment/json v1.27.2
	github.com/oceankit/digitalocean v0.0.0
	github.com/stretchr/testify v1.12.1
	go.uber.org/goleak v1.3.0
	go.yaml.in/yaml/v3 v3.0.6
	golang.org/x/oauth2 v0.36.0
)

require (
	github.com/coder/websocket v1.8.15 // indirect
	github.com/go-json-experiment/json v1.27.2 // indirect
	github.com/google/go-querystring v1.2.0 // indirect
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/hashicorp/go-retryablehttp v0.7.7 // indirect
	golang.org/x/time v0.6.0 // indirect
)
