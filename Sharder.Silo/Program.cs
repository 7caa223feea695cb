using Orleans.Dashboard;

// The cluster host is composed in a later step (see README "Status"); until then it runs a
// single local silo with the dashboard so the Orleans wiring is built and checked.
var builder = WebApplication.CreateBuilder(args);
builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering();
    silo.AddDashboard();
});
var app = builder.Build();
app.MapOrleansDashboard(routePrefix: "/dashboard");
await app.RunAsync();
