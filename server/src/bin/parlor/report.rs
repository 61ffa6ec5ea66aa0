//! What `parlor init` and the operator commands print.

use parlor_server::seed;

pub fn print_json(value: &impl serde::Serialize) -> Result<(), String> {
    println!(
        "{}",
        serde_json::to_string(value).map_err(|e| e.to_string())?
    );
    Ok(())
}

pub fn print_portal_report(data: &std::path::Path, report: &seed::PortalReport) {
    println!("Parlor data folder: {}", data.display());
    println!("Portal:             {}", report.portal_id);
    println!("Widget key:         {}", report.widget_key);
    println!("API key SID:        {}", report.api_key_sid);
    println!("API key secret:     {}", report.api_key_secret);
    println!("Queue:              General");
    println!(
        "Admin:              {} / {}",
        report.admin.email, report.admin.password
    );
    println!();
    println!("The admin's password was generated: sign in to the console (/console/) and change");
    println!("it under Account. Settings in the console set the widget's look, queues and agents.");
    println!();
    println!("Embed snippet:");
    println!(
        "  <script src=\"https://YOUR-PARLOR-HOST/widget/parlor.js\" data-widget-key=\"{}\" async></script>",
        report.widget_key
    );
}

pub fn print_report(data: &std::path::Path, report: &seed::InitReport) {
    println!("Parlor data folder: {}", data.display());
    println!("Widget key:         {}", report.widget_key);
    println!("API key SID:        {}", report.api_key_sid);
    println!("API key secret:     {}", report.api_key_secret);
    for queue in &report.queues {
        println!("Queue:              {} ({})", queue.name, queue.id);
    }
    for agent in &report.agents {
        println!("Agent:              {} / {}", agent.email, agent.password);
    }
    println!();
    println!("Embed snippet:");
    println!(
        "  <script src=\"https://YOUR-PARLOR-HOST/widget/parlor.js\" data-widget-key=\"{}\" async></script>",
        report.widget_key
    );
}
