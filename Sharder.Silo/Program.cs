using Sharder.Silo.Extensions;

// Composition lives in Extensions/. A bad setting ends the process with one message and exit code 1.
var builder = WebApplication.CreateBuilder(args);
builder.AddSharderHost();
await using var app = builder.Build();
app.MapSharderEndpoints();
return await app.RunSharderAsync();
