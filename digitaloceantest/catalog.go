package digitaloceantest

import do "github.com/oceankit/digitalocean"

// instanceSizes are the instance sizes of the spec's example.
var instanceSizes = []do.AppInstanceSize{
	{Name: "Shared 1VCPU 0.5GB", Slug: "apps-s-1vcpu-0.5gb", CPUType: do.AppInstanceSizeCPUTypeShared, CPUs: "1", MemoryBytes: "536870912", USDPerMonth: "5.00", USDPerSecond: "0.000002066799", TierSlug: "basic", SingleInstanceOnly: true, BandwidthAllowanceGiB: "50"},
	{Name: "Shared 1VCPU 1GB Fixed", Slug: "apps-s-1vcpu-1gb-fixed", CPUType: do.AppInstanceSizeCPUTypeShared, CPUs: "1", MemoryBytes: "1073741824", USDPerMonth: "10.00", USDPerSecond: "0.000004133598", TierSlug: "basic", SingleInstanceOnly: true, BandwidthAllowanceGiB: "100"},
	{Name: "Shared 1VCPU 1GB", Slug: "apps-s-1vcpu-1gb", CPUType: do.AppInstanceSizeCPUTypeShared, CPUs: "1", MemoryBytes: "1073741824", USDPerMonth: "12.00", USDPerSecond: "0.000004960317", TierSlug: "professional", BandwidthAllowanceGiB: "150"},
	{Name: "Shared 1VCPU 2GB", Slug: "apps-s-1vcpu-2gb", CPUType: do.AppInstanceSizeCPUTypeShared, CPUs: "1", MemoryBytes: "2147483648", USDPerMonth: "25.00", USDPerSecond: "0.000010333995", TierSlug: "professional", BandwidthAllowanceGiB: "200"},
	{Name: "Shared 2VCPU 4GB", Slug: "apps-s-2vcpu-4gb", CPUType: do.AppInstanceSizeCPUTypeShared, CPUs: "2", MemoryBytes: "4294967296", USDPerMonth: "50.00", USDPerSecond: "0.000020667989", TierSlug: "professional", BandwidthAllowanceGiB: "250"},
	{Name: "Dedicated 1VCPU 0.5GB", Slug: "apps-d-1vcpu-0.5gb", CPUType: do.AppInstanceSizeCPUTypeDedicated, CPUs: "1", MemoryBytes: "536870912", USDPerMonth: "29.00", USDPerSecond: "0.000011987434", TierSlug: "professional", Scalable: true, BandwidthAllowanceGiB: "100"},
	{Name: "Dedicated 1VCPU 1GB", Slug: "apps-d-1vcpu-1gb", CPUType: do.AppInstanceSizeCPUTypeDedicated, CPUs: "1", MemoryBytes: "1073741824", USDPerMonth: "34.00", USDPerSecond: "0.000014054233", TierSlug: "professional", Scalable: true, BandwidthAllowanceGiB: "200"},
	{Name: "Dedicated 1VCPU 2GB", Slug: "apps-d-1vcpu-2gb", CPUType: do.AppInstanceSizeCPUTypeDedicated, CPUs: "1", MemoryBytes: "2147483648", USDPerMonth: "39.00", USDPerSecond: "0.000016121032", TierSlug: "professional", Scalable: true, BandwidthAllowanceGiB: "300"},
	{Name: "Dedicated 1VCPU 4GB", Slug: "apps-d-1vcpu-4gb", CPUType: do.AppInstanceSizeCPUTypeDedicated, CPUs: "1", MemoryBytes: "4294967296", USDPerMonth: "49.00", USDPerSecond: "0.000020254630", TierSlug: "professional", Scalable: true, BandwidthAllowanceGiB: "400"},
	{Name: "Dedicated 2VCPU 4GB", Slug: "apps-d-2vcpu-4gb", CPUType: do.AppInstanceSizeCPUTypeDedicated, CPUs: "2", MemoryBytes: "4294967296", USDPerMonth: "78.00", USDPerSecond: "0.000032242063", TierSlug: "professional", Scalable: true, BandwidthAllowanceGiB: "500"},
	{Name: "Dedicated 2VCPU 8GB", Slug: "apps-d-2vcpu-8gb", CPUType: do.AppInstanceSizeCPUTypeDedicated, CPUs: "2", MemoryBytes: "8589934592", USDPerMonth: "98.00", USDPerSecond: "0.000040509259", TierSlug: "professional", Scalable: true, BandwidthAllowanceGiB: "600"},
	{Name: "Dedicated 4VCPU 8GB", Slug: "apps-d-4vcpu-8gb", CPUType: do.AppInstanceSizeCPUTypeDedicated, CPUs: "4", MemoryBytes: "8589934592", USDPerMonth: "156.00", USDPerSecond: "0.000064484127", TierSlug: "professional", Scalable: true, BandwidthAllowanceGiB: "700"},
	{Name: "Dedicated 4VCPU 16GB", Slug: "apps-d-4vcpu-16gb", CPUType: do.AppInstanceSizeCPUTypeDedicated, CPUs: "4", MemoryBytes: "17179869184", USDPerMonth: "196.00", USDPerSecond: "0.000081018519", TierSlug: "professional", Scalable: true, BandwidthAllowanceGiB: "800"},
	{Name: "Dedicated 8VCPU 32GB", Slug: "apps-d-8vcpu-32gb", CPUType: do.AppInstanceSizeCPUTypeDedicated, CPUs: "8", MemoryBytes: "34359738368", USDPerMonth: "392.00", USDPerSecond: "0.000162037037", TierSlug: "professional", Scalable: true, BandwidthAllowanceGiB: "900"},
}

// appRegions are the App Platform regions of the spec's example.
var appRegions = []do.AppRegion{
	{Slug: "ams", Label: "Amsterdam", Flag: "netherlands", Continent: "Europe", DataCenters: []string{"ams3"}},
	{Slug: "nyc", Label: "New York", Flag: "usa", Continent: "North America", DataCenters: []string{"nyc1", "nyc3"}, Default: true},
	{Slug: "fra", Label: "Frankfurt", Flag: "germany", Continent: "Europe", DataCenters: []string{"fra1"}},
	{Slug: "sfo", Label: "San Francisco", Flag: "usa", Continent: "North America", DataCenters: []string{"sfo3"}},
	{Slug: "sgp", Label: "Singapore", Flag: "singapore", Continent: "Asia", DataCenters: []string{"sgp1"}},
	{Slug: "blr", Label: "Bangalore", Flag: "india", Continent: "Asia", DataCenters: []string{"blr1"}},
	{Slug: "tor", Label: "Toronto", Flag: "canada", Continent: "North America", DataCenters: []string{"tor1"}},
	{Slug: "lon", Label: "London", Flag: "uk", Continent: "Europe", DataCenters: []string{"lon1"}},
}
