package digitalocean

import (
	"context"

	"github.com/go-json-experiment/json/jsontext"
)

// AccountService reads the account the token belongs to.
type AccountService service

// AccountStatus is the standing of an account.
type AccountStatus string

// Account statuses.
const (
	AccountStatusActive  AccountStatus = "active"
	AccountStatusWarning AccountStatus = "warning"
	AccountStatusLocked  AccountStatus = "locked"
)

var accountStatusValues = [...]AccountStatus{AccountStatusActive, AccountStatusWarning, AccountStatusLocked}

// UnmarshalJSONFrom decodes the statuses above without allocating a string.
func (e *AccountStatus) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeEnum(dec, e, accountStatusValues[:])
}

// Account is the current user's account.
type Account struct {
	// DropletLimit is the total number of Droplets the user or team may
	// have active at one time.
	DropletLimit int `json:"droplet_limit"`
	// FloatingIPLimit is the total number of floating IPs the user or team
	// may have.
	FloatingIPLimit int `json:"floating_ip_limit"`
	// ReservedIPLimit is the total number of reserved IPs the user or team
	// may have. Live API field, not in the OpenAPI spec (godo models it).
	ReservedIPLimit int `json:"reserved_ip_limit,omitempty"`
	// VolumeLimit is the total number of volumes the user or team may
	// have. Live API field, not in the OpenAPI spec (godo models it).
	VolumeLimit int `json:"volume_limit,omitempty"`
	// Email is the address the user registered with.
	Email string `json:"email"`
	// Name is the user's display name.
	Name string `json:"name,omitempty"`
	// UUID identifies the user.
	UUID string `json:"uuid"`
	// EmailVerified is true when the user verified their email address.
	EmailVerified bool `json:"email_verified"`
	// Status is active, warning or locked.
	Status AccountStatus `json:"status"`
	// StatusMessage explains the status.
	StatusMessage string `json:"status_message"`
	// Team is set when the token is used in a team context.
	Team *Team `json:"team,omitempty"`
}

// Team is the team a token acts for.
type Team struct {
	// UUID identifies the team.
	UUID string `json:"uuid,omitempty"`
	// Name is the team's name.
	Name string `json:"name,omitempty"`
}

// Get returns the account the client's token belongs to.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Account/operation/account_get
func (s *AccountService) Get(ctx context.Context) (*Account, *Response, error) {
	var out struct {
		Account *Account `json:"account"`
	}
	resp, err := s.client.call(ctx, opAccountGet, "v2/account", nil, nil, &out)
	if err != nil {
		return nil, resp, err
	}
	if out.Account == nil {
		return nil, resp, missingObject(resp, "account")
	}
	return out.Account, resp, nil
}
