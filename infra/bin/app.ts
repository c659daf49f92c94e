import { App } from 'aws-cdk-lib';
import { APP_DEFAULTS, buildApp } from './build-app.ts';

const app = new App(APP_DEFAULTS);
buildApp(app);
app.synth();
