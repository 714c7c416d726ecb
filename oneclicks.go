package digitalocean

import (
	"context"
	"net/url"
	"strings"
)

// OneClicksService lists 1-Click applications and installs Kubernetes ones.
type OneClicksService service

// 1-Click application types accepted by OneClicksService.List ("" lists all).
const (
	OneClickTypeDroplet    = "droplet"
	OneClickTypeKubernetes = "kubernetes"
)

// OneClick is a 1-Click application from the DigitalOcean Marketplace.
type OneClick struct {
	// Slug identifies the application, such as "monitoring".
	Slug string `json:"slug"`
	// Type is "droplet" or "kubernetes".
	Type string `json:"type"`
}

// InstallKubernetesRequest installs 1-Click applications on a cluster.
type InstallKubernetesRequest struct {
	// AddonSlugs are the 1-Click application slugs to install.
	AddonSlugs []string `json:"addon_slugs"`
	// ClusterUUID identifies the Kubernetes cluster.
	ClusterUUID string `json:"cluster_uuid"`
}

// InstallKubernetesResponse confirms that an install job started.
type InstallKubernetesResponse struct {
	// Message describes the result, such as "Successfully kicked off addon job."
	Message string `json:"message"`
}

// List returns the 1-Click applications of oneClickType ("droplet",
// "kubernetes", or "" for all). The API does not paginate this list.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/1-Click-Applications/operation/oneClicks_list
func (s *OneClicksService) List(ctx context.Context, oneClickType string) ([]OneClick, *Response, error) {
	var q url.Values
	switch oneClickType {
	case "":
	case OneClickTypeDroplet, OneClickTypeKubernetes:
		q = url.Values{"type": {oneClickType}}
	default:
		return nil, nil, &ArgumentError{Name: "oneClickType", Reason: `must be "droplet", "kubernetes" or "", got ` + quote(oneClickType)}
	}
	var out struct {
		OneClicks []OneClick `json:"1_clicks"`
	}
	resp, err := s.client.call(ctx, opOneClicksList, "v2/1-clicks", q, nil, &out)
	if err != nil {
		return nil, resp, err
	}
	return out.OneClicks, resp, nil
}

// InstallKubernetes installs 1-Click applications on a Kubernetes cluster.
// It is a POST and is never re-sent after it may have reached the server.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/1-Click-Applications/operation/oneClicks_install_kubernetes
func (s *OneClicksService) InstallKubernetes(ctx context.Context, req *InstallKubernetesRequest) (*InstallKubernetesResponse, *Response, error) {
	if req == nil {
		return nil, nil, &ArgumentError{Name: "req", Reason: "must not be nil"}
	}
	if err := requireID("ClusterUUID", req.ClusterUUID); err != nil {
		return nil, nil, err
	}
	if len(req.AddonSlugs) == 0 {
		return nil, nil, &ArgumentError{Name: "AddonSlugs", Reason: "must name at least one 1-Click application"}
	}
	for _, slug := range req.AddonSlugs {
		if strings.TrimSpace(slug) == "" {
			return nil, nil, &ArgumentError{Name: "AddonSlugs", Reason: "must not contain an empty slug"}
		}
	}
	out := new(InstallKubernetesResponse)
	resp, err := s.client.call(ctx, opOneClicksInstallKubernetes, "v2/1-clicks/kubernetes", nil, req, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

func quote(s string) string { return `"` + truncate(s, 40) + `"` }
