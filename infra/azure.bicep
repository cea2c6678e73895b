// ChatVault in Azure: one App Service (Node 20 on Linux) running the server, Azure Cosmos DB for
// NoSQL (serverless) for backed-up messages and metadata, and a Storage account for hosted
// content (images, files). Deployed by Teams Toolkit's arm/deploy (teamsapp.yml); the parameters
// come from infra/azure.parameters.json, filled from env/.env.<env> and env/.env.<env>.user.

@description('Base of every resource name. Teams Toolkit appends RESOURCE_SUFFIX so names are unique.')
@minLength(4)
@maxLength(24)
param resourceBaseName string

param location string = resourceGroup().location

@description('Teams Toolkit environment name; the server reports it as CHATVAULT_ENV.')
param teamsfxEnv string

@description('The bot\'s Microsoft App ID: the client ID of its Entra app.')
param botId string

@secure()
@description('The bot\'s client secret.')
param botPassword string

@secure()
@description('AES-256-GCM key that seals tenants\' app secrets at rest: 32 bytes, base64.')
param sealingKey string

@description('App Service plan size. B1 is the smallest with Always On, which scheduled backups need.')
param appServiceSku string = 'B1'

var name = toLower(resourceBaseName)
var databaseName = 'chatvault'
var blobContainerName = 'chatvault'

// Storage account names are 3-24 lower-case letters and digits, unique across Azure.
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'st${uniqueString(resourceGroup().id, name)}'
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource blobContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: blobContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: '${name}-cosmos'
  location: location
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    minimalTlsVersion: 'Tls12'
    // The server authenticates with the account key (SECRET_COSMOS_KEY).
    disableLocalAuth: false
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: cosmos
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: name
  location: location
  kind: 'linux'
  sku: {
    name: appServiceSku
  }
  properties: {
    reserved: true // a Linux plan
  }
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: name
  location: location
  kind: 'app,linux'
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'node bin/chatvault.js start'
      // Backups run on a schedule inside the server process; an app unloaded when idle would miss them.
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
      // Names and values as backend/config/config.ts reads them. App Service sets PORT itself.
      appSettings: [
        {
          name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
          value: 'true'
        }
        {
          name: 'CHATVAULT_ENV'
          value: teamsfxEnv
        }
        {
          // App Service forwards to the container's address, not to loopback.
          name: 'HOST'
          value: '0.0.0.0'
        }
        {
          name: 'GRAPH_BASE_URL'
          value: 'https://graph.microsoft.com/v1.0'
        }
        {
          name: 'AUTHORITY_HOST'
          value: 'https://login.microsoftonline.com'
        }
        {
          name: 'STORE'
          value: 'cosmos'
        }
        {
          name: 'COSMOS_ENDPOINT'
          value: cosmos.properties.documentEndpoint
        }
        {
          name: 'SECRET_COSMOS_KEY'
          value: cosmos.listKeys().primaryMasterKey
        }
        {
          name: 'COSMOS_DATABASE'
          value: database.name
        }
        {
          name: 'BLOB_STORE'
          value: 'azure'
        }
        {
          name: 'SECRET_AZURE_STORAGE_CONNECTION_STRING'
          value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
        }
        {
          name: 'BLOB_CONTAINER'
          value: blobContainer.name
        }
        {
          name: 'BOT_ID'
          value: botId
        }
        {
          name: 'SECRET_BOT_PASSWORD'
          value: botPassword
        }
        {
          name: 'SECRET_SEALING_KEY'
          value: sealingKey
        }
      ]
    }
  }
}

// Teams Toolkit writes each output to env/.env.<env> under its (upper-cased) name. Never a secret.
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output TAB_DOMAIN string = webApp.properties.defaultHostName
output TAB_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
