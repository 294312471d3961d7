export { ComplianceModule } from './compliance.module';
export { ComplianceApiModule } from './compliance-api.module';
export { ComplianceConfig } from './compliance.config';
export { ComplianceErrors } from './compliance.errors';
export { ControlsService } from './controls/controls.service';
export { ControlModel, ControlVersionModel } from './dto/control.dto';
export { WaiverModel } from './dto/waiver.dto';
export { WaiversService } from './waivers/waivers.service';
export { FRAMEWORK_IDS, FRAMEWORKS, FrameworkId } from './frameworks/frameworks';
